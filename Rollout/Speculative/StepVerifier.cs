using RlSpec.Drafter.Drafting;
using RlSpec.Policy.Sampling;
using static TorchSharp.torch;

namespace RlSpec.Rollout.Speculative;

/// <summary>
/// Turns the policy's verify-forward logits into emitted tokens and their log-probs, on the device, and brings
/// everything back in one host transfer. With no drafts (k = 0) it is exactly a plain sampling step. Random draws
/// come from the sampler bound to the rows' sequences: k accept uniforms (when drafting), then one for the final token.
/// </summary>
public static class StepVerifier
{
    /// <param name="logits">Policy logits [B, k+1, V] at [pending, d1..dk].</param>
    /// <param name="bias">A planted bug for the certificate's negative controls (<see cref="PlantedBias"/>).</param>
    public static VerifiedStep Verify(Tensor logits, DraftProposal? proposal, SamplingParams sampling, TokenSampler sampler, PlantedBias bias = PlantedBias.None)
    {
        using var scope = NewDisposeScope();
        var (batch, width, vocab) = (logits.shape[0], logits.shape[1], logits.shape[2]);
        var k = (int)width - 1;
        var target = LogitsProcessor.ToProbabilities(logits.reshape(-1, vocab), sampling).view(batch, width, vocab);
        Tensor accepted, emitted;
        if (proposal is null || k == 0)
        {
            accepted = zeros(batch, ScalarType.Int64, device: logits.device);
            emitted = sampler.Sample(target[.., 0]).unsqueeze(1);                                  // [B, 1]
        }
        else
        {
            var drafts = proposal.Tokens.to(logits.device);
            var q = proposal.Probabilities?.to(logits.device) ?? nn.functional.one_hot(drafts, vocab).to_type(ScalarType.Float32); // [B, k, V]
            if (bias == PlantedBias.DraftTemperature)
            {
                q = q.sqrt() / q.sqrt().sum(-1, keepdim: true);
            }

            var counts = tensor(proposal.Counts.Select(c => (long)c).ToArray(), device: logits.device);
            var result = RejectionSampler.Sample(target, q, drafts, counts, sampler.Uniform([batch, k], logits.device), sampler.Sample, bias);
            accepted = result.Accepted;
            // Accepted drafts, then the final token at column accepted[b]; later columns are unused.
            emitted = cat([drafts, result.FinalToken.unsqueeze(1)], 1).scatter(1, accepted.unsqueeze(1), result.FinalToken.unsqueeze(1));
        }

        var index = emitted.unsqueeze(-1);
        var policy = LogitsProcessor.PolicyLogProbs(logits, sampling.Temperature).gather(-1, index).squeeze(-1);   // [B, k+1]
        var processed = target.gather(-1, index).squeeze(-1).log();                                              // [B, k+1]
        // float64 holds token ids exactly and float32 log-probs losslessly: one transfer instead of four.
        var packed = cat([accepted.unsqueeze(1), emitted, policy, processed], 1).to_type(ScalarType.Float64).cpu().data<double>().ToArray();
        var stride = 1 + (3 * (int)width);
        var acceptedHost = new int[batch];
        var emittedHost = new long[batch * width];
        var policyHost = new float[batch * width];
        var processedHost = new float[batch * width];
        for (var b = 0; b < batch; b++)
        {
            var row = b * stride;
            acceptedHost[b] = (int)packed[row];
            for (var i = 0; i < width; i++)
            {
                emittedHost[(b * width) + i] = (long)packed[row + 1 + i];
                policyHost[(b * width) + i] = (float)packed[row + 1 + (int)width + i];
                processedHost[(b * width) + i] = (float)packed[row + 1 + (2 * (int)width) + i];
            }
        }

        return new VerifiedStep(k, acceptedHost, emittedHost, policyHost, processedHost);
    }
}
