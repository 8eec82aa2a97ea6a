package dev.likeness.server.security;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Host-header allowlist against DNS rebinding: a page on evil.example that rebinds its name to 127.0.0.1 still
 * sends {@code Host: evil.example}. Accepted: loopback names, the bound host, and configured extra names.
 */
public final class HostCheck {
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1");
    private final Set<String> allowed;

    public HostCheck(String boundHost, Set<String> extra) {
        Set<String> names = new HashSet<>(LOOPBACK);
        if (boundHost != null && !isWildcard(boundHost)) {
            names.add(normalize(boundHost));
        }
        extra.forEach(h -> names.add(normalize(h)));
        this.allowed = Set.copyOf(names);
    }

    public boolean allows(String hostHeader) {
        String name = hostName(hostHeader);
        return name != null && allowed.contains(name);
    }

    public static boolean isLoopback(String host) {
        String h = normalize(host);
        return LOOPBACK.contains(h) || h.startsWith("127.");
    }

    static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    /** The name part of a Host header: {@code localhost:8080} → localhost, {@code [::1]:8080} → ::1. */
    static String hostName(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String h = header.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            if (end < 0) {
                return null;
            }
            String rest = h.substring(end + 1);
            if (!rest.isEmpty() && !rest.matches(":[0-9]{1,5}")) {
                return null;
            }
            return normalize(h.substring(1, end));
        }
        int colon = h.indexOf(':');
        if (colon >= 0) {
            if (h.indexOf(':', colon + 1) >= 0 || !h.substring(colon + 1).matches("[0-9]{1,5}")) {
                return null;
            }
            h = h.substring(0, colon);
        }
        return normalize(h);
    }

    private static String normalize(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }
}
