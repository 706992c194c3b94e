# `hull features`: the Features structure of runtime-spec v1.3.0 (features.md, features-linux.md).

# The runtime-spec JSON schemas (features-schema.json and what it refers to).
OCI_SCHEMA_DIR=${OCI_SCHEMA_DIR:-/work/shared/reference/runtime-spec-v1.3.0/schema}

features() { "$HULL" features; }

test_features_has_the_spec_shape() {
    features > "$T/f.json"
    jq -e . "$T/f.json" >/dev/null || fail "not JSON: $(head -c 300 "$T/f.json")"
    assert_eq "$(jq -r .ociVersionMin "$T/f.json")" 1.0.0 "ociVersionMin"
    assert_eq "$(jq -r .ociVersionMax "$T/f.json")" 1.3.0 "ociVersionMax"
    assert_eq "$(jq -c .hooks "$T/f.json")" \
        '["prestart","createRuntime","createContainer","startContainer","poststart","poststop"]' "hooks"
    assert_eq "$(jq -c '.linux.namespaces | sort' "$T/f.json")" \
        '["cgroup","ipc","mount","network","pid","time","user","uts"]' "namespaces"
    jq -e '.linux.capabilities | index("CAP_SYS_ADMIN") and index("CAP_CHOWN") and index("CAP_NET_RAW")' "$T/f.json" >/dev/null ||
        fail "capabilities: $(jq -c .linux.capabilities "$T/f.json")"
    jq -e '.linux.capabilities | all(test("^CAP_[A-Z_]+$"))' "$T/f.json" >/dev/null || fail "capability names"
    jq -e '.linux.seccomp.enabled == true and (.linux.seccomp.actions | index("SCMP_ACT_NOTIFY"))' "$T/f.json" >/dev/null ||
        fail "seccomp: $(jq -c .linux.seccomp "$T/f.json")"
    jq -e '.linux.seccomp.archs | index("SCMP_ARCH_X86_64") and index("SCMP_ARCH_AARCH64")' "$T/f.json" >/dev/null || fail "archs"
    # supportedFlags is the part of knownFlags that this kernel and libseccomp can do.
    jq -e '.linux.seccomp as $s | ($s.supportedFlags - $s.knownFlags) == []' "$T/f.json" >/dev/null || fail "supportedFlags"
    jq -e '.mountOptions | (. == (sort | unique)) and index("rro") and index("rbind") and index("nosuid")' "$T/f.json" \
        >/dev/null || fail "mountOptions: $(jq -c .mountOptions "$T/f.json")"
    jq -e '.linux.cgroup | .v1 and .v2 and .systemd and .systemdUser and .rdma' "$T/f.json" >/dev/null || fail "cgroup"
    jq -e '.linux.mountExtensions.idmap.enabled == false and .linux.netDevices.enabled == true' "$T/f.json" >/dev/null ||
        fail "mountExtensions, netDevices"
    jq -e '.linux.memoryPolicy.modes | index("MPOL_BIND")' "$T/f.json" >/dev/null || fail "memoryPolicy"
    for k in apparmor selinux intelRdt; do
        jq -e ".linux.$k.enabled | type == \"boolean\"" "$T/f.json" >/dev/null || fail "$k.enabled"
    done
    assert_eq "$(jq -r '.annotations["run.oci.hull.version"]' "$T/f.json")" \
        "$("$HULL" --version | sed -n 's/^hull version //p')" "hull version annotation"
    jq -e '.annotations["io.github.seccomp.libseccomp.version"] | test("^[0-9]+\\.[0-9]+\\.[0-9]+$")' "$T/f.json" \
        >/dev/null || fail "libseccomp version annotation"
    jq -e '.potentiallyUnsafeConfigAnnotations | index("org.systemd.property.")' "$T/f.json" >/dev/null ||
        fail "potentiallyUnsafeConfigAnnotations"
    # Indented as runc does it: four spaces, one trailing newline.
    assert_eq "$(sed -n 2p "$T/f.json")" '    "ociVersionMin": "1.0.0",' "indentation"
    assert_eq "$(tail -c 2 "$T/f.json" | od -An -c | tr -d ' ')" '}\n' "end of output"
}

test_features_validates_against_the_schema() {
    [ -f "$OCI_SCHEMA_DIR/features-schema.json" ] || skip "no runtime-spec schemas in $OCI_SCHEMA_DIR"
    python3 -c 'import jsonschema' 2>/dev/null || skip "python3 jsonschema not installed"
    features > "$T/f.json"
    python3 - "$OCI_SCHEMA_DIR" "$T/f.json" <<'EOF' || fail "features does not validate against features-schema.json"
import json, os, sys, warnings
warnings.simplefilter("ignore")  # RefResolver is deprecated in jsonschema 4.18+, still there
import jsonschema
schema_dir, doc = sys.argv[1], json.load(open(sys.argv[2]))
base = "file://" + os.path.abspath(schema_dir) + "/"
store = {base + n: json.load(open(os.path.join(schema_dir, n))) for n in os.listdir(schema_dir) if n.endswith(".json")}
schema = store[base + "features-schema.json"]
resolver = jsonschema.RefResolver(base_uri=base + "features-schema.json", referrer=schema, store=store)
jsonschema.Draft4Validator(schema, resolver=resolver).validate(doc)
EOF
}

test_features_has_every_key_runc_has() {
    command -v runc >/dev/null || skip "runc not installed"
    # Every object key path, without the contents of annotations (each runtime has its own).
    keys='[paths | select(all(.[]; type == "string")) | select(.[0] != "annotations" or length == 1) | join(".")] | unique'
    runc features | jq -c "$keys" > "$T/runc.keys"
    features | jq -c "$keys" > "$T/hull.keys"
    missing=$(jq -n -c --slurpfile r "$T/runc.keys" --slurpfile h "$T/hull.keys" '$r[0] - $h[0]')
    assert_eq "$missing" "[]" "keys of runc features missing from hull features"
    # What hull has beyond runc (1.1.5: spec 1.0.2) is in spec 1.3.0.
    extra=$(jq -n -c --slurpfile r "$T/runc.keys" --slurpfile h "$T/hull.keys" '$h[0] - $r[0]')
    allowed='["linux.cgroup.rdma","linux.intelRdt","linux.intelRdt.enabled","linux.memoryPolicy",
      "linux.memoryPolicy.flags","linux.memoryPolicy.modes","linux.mountExtensions","linux.mountExtensions.idmap",
      "linux.mountExtensions.idmap.enabled","linux.netDevices","linux.netDevices.enabled","linux.seccomp.knownFlags",
      "linux.seccomp.supportedFlags","potentiallyUnsafeConfigAnnotations"]'
    unknown=$(jq -n -c --argjson e "$extra" --argjson a "$allowed" '$e - $a')
    assert_eq "$unknown" "[]" "keys of hull features that are not in runtime-spec 1.3.0's features"
}

test_features_takes_no_arguments() {
    ! "$HULL" features extra 2>/dev/null || fail "features accepted an argument"
    "$HULL" features --help | grep -q 'features' || fail "features --help"
}
