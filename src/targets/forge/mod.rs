//! Listing an organisation's repositories through a forge's REST API.
