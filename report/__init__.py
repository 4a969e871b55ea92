"""Reports of the Werkvereniging's books, computed through beanquery at run time."""
