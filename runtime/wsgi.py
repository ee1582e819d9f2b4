"""The WSGI entry point for production servers: ``gunicorn -c deploy/gunicorn.conf.py``
(or ``gunicorn runtime.wsgi:app``). Settings come from the ``MALLKIT_*`` environment."""

from runtime.app import create_app

app = create_app()
