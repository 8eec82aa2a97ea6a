package dev.likeness.cli;

import picocli.CommandLine.Command;

/** Benchmarks: commands that print JSON (committed under bench/results/), never timed unit tests. */
@Command(name = "bench", description = "Measure speed; prints JSON.", subcommands = {ServerBench.class})
final class BenchCommand {
}
