package dev.likeness.server.api;

import java.util.List;

/** Shapes of health and version. */
public final class SystemViews {
    private SystemViews() {}

    public record Health(String status, String version) {}

    public record VersionInfo(String version, String api, List<String> jobKinds, boolean py4j) {}
}
