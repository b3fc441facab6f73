namespace RlSpec.Policy.Tokenization;

/// <summary>A token outside the BPE merges (HF <c>added_tokens</c>): matched whole in text, never split or merged.</summary>
/// <param name="Content">Its text, e.g. <c>&lt;|im_start|&gt;</c>.</param>
/// <param name="Id">Its id.</param>
/// <param name="Special">HF's <c>special</c> flag (control tokens such as BOS/EOS; <c>&lt;think&gt;</c> in Qwen3 is added but not special).</param>
public sealed record AddedToken(string Content, int Id, bool Special);
