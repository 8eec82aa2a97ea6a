package dev.likeness.engine.weights;

import java.util.Comparator;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The LDM UNet numbers its blocks flat, so equal-shaped tensors of a file laid out for another depth would bind to
 * the wrong blocks without any shape error (diffusers' conversion script writes such files for one layer per
 * block). This checks the numbering itself: with L layers per block and n levels, {@code input_blocks} 0..n(L+1)−1
 * with a downsampler exactly at every multiple of L+1, and {@code output_blocks} 0..n(L+1)−1, each starting with a
 * resnet. The first key that breaks it is named.
 */
final class LdmUnetBlockCheck {
    private static final Pattern BLOCK = Pattern.compile("(input_blocks|output_blocks)\\.(\\d+)\\.(\\d+)\\.(.+)");

    private LdmUnetBlockCheck() {}

    static void check(String where, Set<String> localNames, int layersPerBlock) throws WeightsFormatException {
        int per = layersPerBlock + 1;
        TreeMap<Integer, String> input = new TreeMap<>();
        TreeMap<Integer, String> output = new TreeMap<>();
        java.util.Map<String, Boolean> present = new java.util.HashMap<>();
        for (String name : localNames.stream().sorted(Comparator.naturalOrder()).toList()) {
            Matcher m = BLOCK.matcher(name);
            if (!m.matches()) {
                continue;
            }
            int index = Integer.parseInt(m.group(2));
            (m.group(1).equals("input_blocks") ? input : output).putIfAbsent(index, name);
            present.put(m.group(1) + "." + index + "." + m.group(3) + "." + firstPart(m.group(4)), true);
        }
        if (input.isEmpty() || output.isEmpty()) {
            return; // a missing UNet part is reported by name when the configs are checked
        }
        int inputCount = input.lastKey() + 1;
        String layout = " (the blocks do not fit " + layersPerBlock + " layers per block: gaps, missing or extra"
                + " blocks; this file cannot be bound safely)";
        if (inputCount % per != 0) {
            throw new WeightsFormatException(where + "UNet tensor '" + LdmUnetNames.PREFIX + input.lastEntry().getValue()
                    + "' is past the last input block" + layout);
        }
        int levels = inputCount / per;
        for (int i = 1; i < inputCount; i++) {
            boolean downsampler = i % per == 0;
            String expected = "input_blocks." + i + ".0." + (downsampler ? "op" : "in_layers");
            if (!present.containsKey(expected)) {
                throw offending(where, input, i, expected, layout);
            }
        }
        int outputCount = output.lastKey() + 1;
        if (outputCount != levels * per) {
            throw new WeightsFormatException(where + "UNet tensor '" + LdmUnetNames.PREFIX + output.lastEntry().getValue()
                    + "': " + outputCount + " output blocks for " + levels + " levels, expected " + levels * per + layout);
        }
        for (int i = 0; i < outputCount; i++) {
            String expected = "output_blocks." + i + ".0.in_layers";
            if (!present.containsKey(expected)) {
                throw offending(where, output, i, expected, layout);
            }
        }
    }

    private static String firstPart(String rest) {
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    private static WeightsFormatException offending(String where, TreeMap<Integer, String> blocks, int index,
            String expected, String layout) {
        String at = blocks.containsKey(index) ? blocks.get(index) : blocks.ceilingEntry(index).getValue();
        return new WeightsFormatException(where + "UNet tensor '" + LdmUnetNames.PREFIX + at + "' is out of place: "
                + "expected " + LdmUnetNames.PREFIX + expected + ".*" + layout);
    }
}
