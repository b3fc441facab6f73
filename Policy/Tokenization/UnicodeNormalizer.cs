using System.Text;
using Microsoft.ML.Tokenizers;

namespace RlSpec.Policy.Tokenization;

/// <summary>HF's NFC / NFD / NFKC / NFKD normalizers (Qwen2/3 tokenizers apply NFC before pre-tokenizing).</summary>
public sealed class UnicodeNormalizer(NormalizationForm form) : Normalizer
{
    public NormalizationForm Form { get; } = form;

    public override string Normalize(string original) => original.Normalize(Form);

    public override string Normalize(ReadOnlySpan<char> original) => original.ToString().Normalize(Form);
}
