"""Beancount plugins of the Werkvereniging's books (loaded with `plugin "plugins.<module>"`)."""
