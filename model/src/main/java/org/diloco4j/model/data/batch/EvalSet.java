package org.diloco4j.model.data.batch;

import org.diloco4j.model.data.text.Holdout;

import java.util.Locale;

/**
 * Which held-out documents a run is scored on. Every run reports on the validation documents; a
 * tuning run (a sweep choosing hyper-parameters) is scored on a second, disjoint set of documents
 * of the same size instead, which it does not train on either, so that a reported figure is never
 * one a choice was made on. See {@link Holdout#tune}.
 */
public enum EvalSet {
    REPORT, TUNE;

    public static EvalSet parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "report" -> REPORT;
            case "tune" -> TUNE;
            default -> throw new IllegalArgumentException("eval set '" + s + "': expected report or tune");
        };
    }
}
