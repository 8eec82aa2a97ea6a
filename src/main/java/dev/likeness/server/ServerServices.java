package dev.likeness.server;

import dev.likeness.server.concepts.ServerConcepts;
import dev.likeness.server.config.ServerConfig;
import dev.likeness.server.models.ActiveModel;

/** Services a runner may need: the served model (load it on the worker thread), the concept library, config. */
public record ServerServices(ActiveModel model, ServerConcepts concepts, ServerConfig config) {}
