# time_extra
