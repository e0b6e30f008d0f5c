//! Importers: figures other tools measured, read from their files into the results model.

pub(crate) mod criterion;
