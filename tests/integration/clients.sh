# Podman, Buildah and containerd driving hull (tests/clients/*.sh hold the tests and their set-up;
# RUNTIME=/usr/sbin/runc checks the tests themselves against runc). Each test skips, with the
# reason, when its client is not installed: apt-get install podman conmon buildah skopeo umoci containerd
source "$TESTS_DIR/clients/lib-clients.sh"
source "$TESTS_DIR/clients/podman.sh"
source "$TESTS_DIR/clients/buildah.sh"
source "$TESTS_DIR/clients/containerd.sh"
