# Services the test suite needs; sourced by .ci/run. Filled in as the tracking tests arrive.
start_services() { :; }
stop_services() { :; }
