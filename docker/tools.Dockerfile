# The other services of docker/compose.yaml and docker/test, from Debian's packages (no registry
# is reachable from CI, so this is built from the same debian:bookworm-slim as autograph's
# image): the MQTT broker and its clients, and canplayer (can-utils) with xz for the captures.
#
#   docker build --network host -f docker/tools.Dockerfile -t autograph-tools docker
#
# No USER here: compose.yaml and docker/test run mosquitto as `mosquitto` and canplayer as
# `nobody`; neither needs root (CAN raw sockets need no capability).
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      mosquitto mosquitto-clients can-utils xz-utils \
 && rm -rf /var/lib/apt/lists/*
