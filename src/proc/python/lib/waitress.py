# waitress
