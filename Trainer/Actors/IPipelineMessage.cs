namespace RlSpec.Trainer.Actors;

/// <summary>Marks the training pipeline's messages: plain records that <see cref="MessagePackMessageSerializer"/> can put on
/// a wire (bound in the pipeline's HOCON), so stages could move to other processes through Akka.Remote unchanged.</summary>
public interface IPipelineMessage;
