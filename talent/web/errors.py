"""The web's own errors: not signed in (sent to the sign-in page) and not allowed (403)."""


class NotAuthenticated(Exception):
    pass


class Forbidden(Exception):
    pass
