package dev.likeness.server.py4j;

import dev.likeness.server.api.ApiException;
import java.util.List;
import java.util.Set;

/**
 * Maps a Py4J call (method name + decoded arguments) onto {@link GatewayFacade}. A fixed switch, not reflection:
 * only these methods exist for a client, with exactly these argument types. {@code getClass}, {@code toString},
 * {@code wait} and everything else inherited from Object are unknown names.
 */
final class FacadeDispatcher {
    static final Set<String> METHODS = Set.of("version", "listModels", "listConcepts", "stageImage", "submit",
            "status", "cancel", "result", "preview");
    private final GatewayFacade facade;

    FacadeDispatcher(GatewayFacade facade) {
        this.facade = facade;
    }

    Object call(String method, List<Object> args) {
        switch (method) {
            case "version":
                none(method, args);
                return facade.version();
            case "listModels":
                none(method, args);
                return facade.listModels();
            case "listConcepts":
                none(method, args);
                return facade.listConcepts();
            case "stageImage":
                return facade.stageImage(arg(method, args, 0, 1, byte[].class));
            case "submit":
                return facade.submit(arg(method, args, 0, 2, String.class), arg(method, args, 1, 2, String.class));
            case "status":
                return facade.status(arg(method, args, 0, 1, String.class));
            case "cancel":
                return facade.cancel(arg(method, args, 0, 1, String.class));
            case "result":
                return facade.result(arg(method, args, 0, 2, String.class), arg(method, args, 1, 2, Integer.class));
            case "preview":
                return facade.preview(arg(method, args, 0, 1, String.class));
            default:
                throw new ApiException(403, "NOT_ALLOWED", "'" + method + "' is not a method of the Likeness gateway; "
                        + "available: " + METHODS.stream().sorted().toList());
        }
    }

    private static void none(String method, List<Object> args) {
        if (!args.isEmpty()) {
            throw new ApiException(400, "BAD_ARGUMENTS", method + " takes no arguments");
        }
    }

    private static <T> T arg(String method, List<Object> args, int index, int count, Class<T> type) {
        if (args.size() != count) {
            throw new ApiException(400, "BAD_ARGUMENTS", method + " takes " + count + " argument(s)");
        }
        Object v = args.get(index);
        if (!type.isInstance(v)) {
            throw new ApiException(400, "BAD_ARGUMENTS", method + ": argument " + (index + 1) + " must be "
                    + (type == byte[].class ? "bytes" : type == Integer.class ? "an int" : "a string"));
        }
        return type.cast(v);
    }
}
