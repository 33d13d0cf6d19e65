"""The API's routers, one module per resource. They parse, call a service, and serialise."""
