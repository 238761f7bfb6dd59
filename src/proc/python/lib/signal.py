# signal
