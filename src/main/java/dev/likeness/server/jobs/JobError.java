package dev.likeness.server.jobs;

/** Why a job failed, for the client: a stable code and a human message (no stack trace, no paths). */
public record JobError(String code, String message) {}
