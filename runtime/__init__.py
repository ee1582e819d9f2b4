"""mallkit runtime: the app, the commerce engine and the page interpreter."""
