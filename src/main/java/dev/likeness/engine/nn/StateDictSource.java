package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;
import dev.likeness.engine.weights.WeightsFormatException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Binds a state dict strictly: after the module tree is built, {@link #verify} fails with one message naming every
 * missing, unexpected and wrongly-shaped tensor. Known harmless extras can be tolerated by name.
 */
public final class StateDictSource implements ParameterSource {
    private final String component;
    private final Map<String, NDArray> tensors;
    private final Map<String, NDArray> bound = new LinkedHashMap<>();
    private final List<String> missing = new ArrayList<>();
    private final List<String> wrongShape = new ArrayList<>();

    public StateDictSource(String component, Map<String, NDArray> tensors) {
        this.component = component;
        this.tensors = tensors;
    }

    @Override
    public NDArray get(String name, long... shape) {
        NDArray t = tensors.get(name);
        if (t == null) {
            missing.add(name + " " + Arrays.toString(shape));
            return null;
        }
        long[] actual = t.getShape().getShape();
        if (!Arrays.equals(actual, shape)) {
            wrongShape.add(name + " expected " + Arrays.toString(shape) + " got " + Arrays.toString(actual));
            return null;
        }
        bound.put(name, t);
        return t;
    }

    /** The tensors that were bound, in declaration order: the model's parameters. */
    public Map<String, NDArray> bound() {
        return bound;
    }

    public void verify(Set<String> toleratedExtras) throws WeightsFormatException {
        Set<String> unexpected = new TreeSet<>(tensors.keySet());
        unexpected.removeAll(bound.keySet());
        unexpected.removeAll(toleratedExtras);
        if (missing.isEmpty() && wrongShape.isEmpty() && unexpected.isEmpty()) {
            return;
        }
        StringBuilder msg = new StringBuilder(component).append(" weights do not fit the model:");
        appendList(msg, "missing", missing);
        appendList(msg, "wrong shape", wrongShape);
        appendList(msg, "unexpected", new ArrayList<>(unexpected));
        throw new WeightsFormatException(msg.toString());
    }

    private static void appendList(StringBuilder msg, String what, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        msg.append(' ').append(items.size()).append(' ').append(what).append(" (");
        int shown = Math.min(5, items.size());
        msg.append(String.join(", ", items.subList(0, shown)));
        if (items.size() > shown) {
            msg.append(", ...");
        }
        msg.append(");");
    }
}
