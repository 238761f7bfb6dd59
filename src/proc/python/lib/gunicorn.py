# gunicorn
