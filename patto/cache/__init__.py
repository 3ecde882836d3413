"""How public pages are served fast and exactly fresh: the page cache, the clock that ends a
page's truth, and the Redis cache that survives Redis being down."""
