pub mod emergency;
pub mod error_notice;
pub mod layout;
