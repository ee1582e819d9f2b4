"""The app as gunicorn serves it (``runtime.wsgi``), plus a pre-encoded bare JSON endpoint at
``/bench/bare`` that the benchmarks time next to the real ones (same server, same workers):
``gunicorn -c deploy/gunicorn.conf.py bench.served:app``."""

from flask import Response

from runtime.wsgi import app

BARE_BODY = b'{"ok":true}'


@app.get("/bench/bare")
def bare() -> Response:
    return Response(BARE_BODY, mimetype="application/json")
