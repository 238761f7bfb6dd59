# os_extra
