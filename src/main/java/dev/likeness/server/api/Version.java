package dev.likeness.server.api;

/** Versions reported by {@code /health} and {@code /version}. */
public final class Version {
    public static final String API = "v1";

    private Version() {}

    public static String server() {
        String v = Version.class.getPackage().getImplementationVersion();
        return v != null ? v : "0.1.0-SNAPSHOT";
    }
}
