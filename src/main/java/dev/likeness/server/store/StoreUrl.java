package dev.likeness.server.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Where the studio store is: {@code postgresql://[user@]host[:port]/database}. The password never travels in the URL
 * (it would show in {@code ps} and in logs): it comes from {@link StorePassword}.
 */
public record StoreUrl(String user, String host, int port, String database) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,63}");

    public StoreUrl {
        if (!NAME.matcher(database).matches()) {
            throw new IllegalArgumentException("the store's database name must be 1-63 letters, digits or _ . -");
        }
    }

    public static StoreUrl parse(String text) {
        String raw = text.startsWith("jdbc:") ? text.substring(5) : text;
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--store must look like postgresql://user@host:5432/likeness");
        }
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
            throw new IllegalArgumentException("--store must be a postgresql:// URL (the only shared store there is)");
        }
        String info = uri.getRawUserInfo();
        if (info != null && info.contains(":")) {
            throw new IllegalArgumentException("--store must not carry a password (it would show in the process list"
                    + " and in logs): set LIKENESS_STORE_PASSWORD or pass --store-password-file");
        }
        if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2 || uri.getQuery() != null) {
            throw new IllegalArgumentException("--store must look like postgresql://user@host:5432/likeness");
        }
        String user = info == null ? System.getProperty("user.name") : info;
        return new StoreUrl(user, uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(), uri.getPath().substring(1));
    }

    String jdbcUrl() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + h + ":" + port + "/" + database;
    }

    Properties properties(String password) {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("ApplicationName", "likeness");
        p.setProperty("connectTimeout", "5");
        p.setProperty("socketTimeout", "60");
        p.setProperty("tcpKeepAlive", "true");
        return p;
    }

    /** The URL without any secret, for messages. */
    @Override
    public String toString() {
        return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
    }
}
