#!/bin/sh
# Services weak: placeholder, filled in with the SVC controls.
# controls:
# state: fail
true
