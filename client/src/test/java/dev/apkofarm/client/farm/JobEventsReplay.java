package dev.apkofarm.client.farm;

import dev.apkofarm.proto.v1.JobEvent;
import io.grpc.Channel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Every stored event of a finished job, replayed from seq 1. */
final class JobEventsReplay {
  private final Channel channel;

  JobEventsReplay(Channel channel) {
    this.channel = channel;
  }

  List<JobEvent> all(String jobId) {
    List<JobEvent> out = new ArrayList<>();
    new JobFollower(channel, Duration.ofSeconds(10)).follow(jobId, 1, out::add);
    return out;
  }
}
