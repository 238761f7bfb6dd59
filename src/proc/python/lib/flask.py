# flask
