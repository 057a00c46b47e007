package io.holdfast.bench.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything one soak run measured, filled in by {@link SoakMain} and rendered by {@link SoakReport}.
 * Plain fields: one writer thread at a time, read once at the end.
 */
final class SoakResults {

    // The run.
    String started;
    long durationSeconds;
    double loadSeconds;
    double cycleSeconds;
    final Map<String, Object> params = new TreeMap<>();

    // Subscribers that keep up.
    int keepUpSse;
    int keepUpWs;
    int keepUpOpenAtEnd;
    int keepUpClosedEarly;
    long measuredPublished;
    long measuredPublishFailures;
    long keepUpMissing;
    int keepUpSubscribersMissing;
    long keepUpDuplicates;
    double keepUpMaxLatencyMs;

    // Long-poll.
    int pollers;
    long pollDelivered;
    long pollTimeouts;
    long pollErrors;

    // Slow subscribers and the flood.
    int nonReadersPerSet;
    long nonReadersOpened;
    long floodPublishes;
    long floodItems;
    long floodPublishFailures;
    long cutOffCounter = -1;
    long cutOffLogLines;
    int cutOffConnections;
    int maxLinesPerCutOff;
    String cutOffPattern;
    long logLines;
    long logBytes;
    final List<String> logSamples = new ArrayList<>();

    // Churn and stalls.
    long churnCycles;
    long churnFailures;
    final Map<String, Long> churnFailureReasons = new TreeMap<>();
    long stallRequests;
    final Map<String, Long> stallOutcomes = new TreeMap<>();
    long stallConnectionsAccepted;

    // Service probes (once a second).
    long probeGets;
    long probeGetFailures;
    double probeGetMaxMs;
    long probeSubs;
    long probeSubFailures;
    double probeSubMaxMs;
    final List<String> interruptions = new ArrayList<>();

    // 100,000 connect/disconnect cycles.
    long cyclesWanted;
    long cyclesDone;
    long cyclesFailed;
    final Map<String, Long> cycleFailureReasons = new TreeMap<>();

    // Process readings.
    final List<ProcessProbe.Sample> samples = new ArrayList<>();
    ProcessProbe.Sample baseline;
    ProcessProbe.Sample peak;
    ProcessProbe.Sample afterLoad;
    ProcessProbe.Sample afterCycles;
    boolean serverAliveAtEnd;
}
