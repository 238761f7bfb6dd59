# markupsafe
