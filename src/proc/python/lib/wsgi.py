# wsgi
