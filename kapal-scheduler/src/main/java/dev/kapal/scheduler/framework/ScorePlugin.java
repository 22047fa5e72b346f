package dev.kapal.scheduler.framework;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Ranks a feasible node. Scores are raw until {@link #normalize}; after it each lies in
 * [0, {@link #MAX_SCORE}] and is multiplied by the plugin's weight in the profile. Called
 * concurrently for different nodes.
 */
public interface ScorePlugin extends Plugin {
    long MAX_SCORE = 100;

    long score(CycleState state, Pod pod, NodeInfo node);

    /** Rescales the raw scores of all feasible nodes in place; the default leaves them as they are. */
    default void normalize(CycleState state, Pod pod, long[] scores) {
    }

    /**
     * Upstream's DefaultNormalizeScore: scales so the highest becomes {@code MAX_SCORE}, and
     * reverses ({@code MAX_SCORE - score}) when lower raw scores are better.
     */
    static void defaultNormalize(long[] scores, boolean reverse) {
        long highest = 0;
        for (long score : scores) {
            highest = Math.max(highest, score);
        }
        for (int i = 0; i < scores.length; i++) {
            if (highest == 0) {
                scores[i] = reverse ? MAX_SCORE : 0;
            } else {
                long scaled = MAX_SCORE * scores[i] / highest;
                scores[i] = reverse ? MAX_SCORE - scaled : scaled;
            }
        }
    }
}
