def home_context(): return {}
