# logging
