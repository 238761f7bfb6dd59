# http_server
