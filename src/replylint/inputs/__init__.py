"""Reading replies: files and folders, reply documents, record collections, helpdesk
exports, and the position-keeping reader every door shares."""
