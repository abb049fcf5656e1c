"""Forms: the public notification steps (public.py) and the staff screens (staff.py)."""
