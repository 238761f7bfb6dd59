# dataclasses
