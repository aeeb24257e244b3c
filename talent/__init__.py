"""Talent: training, certification, pay and retention of township social workers."""
