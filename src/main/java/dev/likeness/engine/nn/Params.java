package dev.likeness.engine.nn;

import ai.djl.ndarray.NDArray;

/** A {@link ParameterSource} seen through a dotted name prefix, the way diffusers module paths nest. */
public record Params(ParameterSource source, String prefix) {
    public static Params root(ParameterSource source) {
        return new Params(source, "");
    }

    public Params sub(String name) {
        return new Params(source, path(name));
    }

    public Params sub(String name, int index) {
        return sub(name + "." + index);
    }

    public String path(String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    public NDArray get(String name, long... shape) {
        return source.get(path(name), shape);
    }
}
