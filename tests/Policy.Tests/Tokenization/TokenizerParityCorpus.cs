namespace RlSpec.Policy.Tests.Tokenization;

/// <summary>
/// Strings that exercise what byte-level BPE tokenizers get wrong: pre-tokenizer regex corners (contractions, digit
/// splitting, runs of spaces, newlines), 4-byte characters, normalization, added and special tokens, and whitespace at
/// the edges. Hand-written cases first, then seeded mixtures of fragments from every category.
/// </summary>
internal static class TokenizerParityCorpus
{
    private static readonly string[] English =
    [
        "Hello world",
        "The quick brown fox jumps over the lazy dog.",
        "It's a dog's life; they're sure we'll win, and I'd say you've done what I'm told.",
        "I'M SURE YOU'LL SEE IT'S FINE, WE'D KNOW, THEY'VE SAID, SHE'S 'TIS 'S",
        "don't won't can't shouldn't y'all ma'am rock'n'roll o'clock",
        "Curly quotes: it’s “smart” ‘quoting’ — and an en–dash, an ellipsis…",
        "Mr. Smith paid $1,234.56 on 2024-03-15 at 10:30am (UTC+2).",
        "e-mail: someone@example.com, url: https://example.org/a/b?c=d&e=f#g",
        "Supercalifragilisticexpialidocious antidisestablishmentarianism",
        "a b c d e f g h i j k l m n o p q r s t u v w x y z",
        "A.B.C. U.S.A. e.g. i.e. etc.",
        "(parentheses) [brackets] {braces} <angles> \"double\" 'single' `backticks`",
        "!!! ??? ... --- *** ### @@@ $$$ %%% ^^^ &&& ___ +++ === ||| ~~~",
        "What is 347 + 85? Answer: 432.",
        "Solve for x: 3x^2 - 5x + 2 = 0, so x = 1 or x = 2/3.",
        "CamelCaseIdentifier snake_case_identifier kebab-case-identifier SCREAMING_CASE",
        "Ünïcödé àccénts: café naïve résumé coöperate façade Zürich São Paulo",
        "Ελληνικά: Καλημέρα κόσμε. Русский: Привет, мир! Українська: Їжак ґанок.",
        "עברית: שלום עולם. العربية: مرحبا بالعالم ١٢٣٤٥٦٧٨٩٠.",
        "हिन्दी: नमस्ते दुनिया। ไทย: สวัสดีชาวโลก Tiếng Việt: Xin chào thế giới",
        "Ĳ ĳ ŉ ſ ǅ ǈ ǋ ǲ ﬁ ﬂ ﬀ ﬃ ﬄ Ⅻ ⅻ",
        "The letter ſ (long s) and the Kelvin sign K and the Ångström sign Å.",
        "tl;dr: yes/no, and/or, either/or, 50/50, 24/7",
    ];

    private static readonly string[] Code =
    [
        "def add(a, b):\n\treturn a + b\n",
        "def f(x):\n    if x > 0:\n        return x\n    return -x\n",
        "for (int i = 0; i < n; i++) {\n\tsum += a[i];\n}",
        "public sealed class Foo\n{\n    private readonly int _x;\n}\n",
        "    indented with four spaces\n\t\tand two tabs\n  \t mixed \t  ",
        "x  =  1\ny   =   2\nz    =    3\n",
        "{\"key\": [1, 2.5, -3e10, true, null], \"nested\": {\"a\": \"b\"}}",
        "SELECT id, name FROM users WHERE age >= 18 ORDER BY name DESC LIMIT 10;",
        "#!/usr/bin/env bash\nset -euo pipefail\nfor f in *.txt; do echo \"$f\"; done\n",
        "<html><body><p class=\"x\">Hi &amp; bye</p></body></html>",
        "const re = /^[a-z0-9_\\-]+$/i; // regex\nconsole.log(`${a}+${b}`);",
        "a\r\nb\r\n\r\nc\rd",
        "line1\n\n\nline4\n\n",
        "if(a&&b||!c){return a<<2>>1;}",
        "x=[i**2 for i in range(10) if i%2==0]",
        "fn main() -> Result<(), Box<dyn Error>> { Ok(()) }",
        "// TODO: fix this\n/* block\n   comment */\n# hash comment",
        "\t\t\t\ttabs only then text",
        "trailing tab\t",
        "          ten spaces before",
        "key:\tvalue\tother:\tvalue2",
        "    \n    \n",
        "a = b   # comment with    runs     of spaces",
        "printf(\"%d %s %5.2f\\n\", n, s, x);",
        "arr[0][1] = {'k': (1, 2)}; d = {**a, **b}",
    ];

    private static readonly string[] Cjk =
    [
        "你好，世界！今天天气很好。",
        "机器学习是人工智能的一个分支。",
        "日本語のテキスト：こんにちは、世界。カタカナとひらがな。",
        "東京都渋谷区1-2-3",
        "한국어 텍스트: 안녕하세요 세계",
        "全角：ＡＢＣ１２３！？（）　全角スペース",
        "中文English混合123测试",
        "「引用」『二重引用』【括弧】〈山括弧〉《書名》",
        "繁體中文：這是一個測試。",
        "ｶﾀｶﾅ半角 ﾃｽﾄ",
        "数学：x² + y² = z²，π ≈ 3.14159",
        "一二三四五六七八九十百千万亿",
    ];

    private static readonly string[] FourByte =
    [
        "😀",
        "😀😀😀",
        "😀hello",
        "hello😀",
        "I love 🍕 and 🍣!",
        "👨‍👩‍👧‍👦 family (ZWJ sequence)",
        "👍🏽 thumbs up with a skin tone",
        "🇺🇸🇯🇵🇩🇪 flags",
        "1️⃣ 2️⃣ #️⃣ keycaps",
        "a𠀀b",
        "𠀀𠀁𠀂 CJK extension B",
        "𝒜𝒷𝒸 math script letters",
        "𝟏𝟐𝟑 math digits",
        "x𝟏𝟐𝟑y",
        "𐌰𐌱𐌲 Gothic",
        "𝄞 musical symbol G clef",
        "🤖: 'beep' 🤖's friend",
        " 🙂 ",
        "emoji at end 🎉",
        "🎉emoji at start",
        "mixed 😀中文𠀀abc123🎉",
        "❤️ ✨ ☀️ ✅ ❌ ⚠️",
        "𓀀𓀁 hieroglyphs",
        "🏳️‍🌈 🏴‍☠️",
        "x😀y '😀s !𝒜bc a 😀 b",
        "𝐀𝐁𝐂 bold math letters, 𝐚𝐛𝐜'𝐬",
        "𝟏𝟐𝟑𝟒𝟓𝟔𝟕 seven math digits",
        "  𝟏  𝟐\n𝟑",
        "price: 𝟒𝟐€ or 42€",
    ];

    private static readonly string[] Numbers =
    [
        "0",
        "7",
        "42",
        "123",
        "1234",
        "12345",
        "123456789012345678901234567890",
        "3.14159265358979323846",
        "-273.15",
        "1,000,000",
        "1e-10 6.022e23",
        "+1 (555) 123-4567",
        "2024-01-01T00:00:00Z",
        "0x1F 0b1010 0o777",
        "v1.2.3-beta.4",
        "١٢٣٤ Arabic-Indic digits",
        "１２３ full-width digits",
        "² ³ ½ ¾ ⅓ superscripts and fractions",
        "Ⅰ Ⅱ Ⅲ Ⅳ roman numerals",
        "abc123def456",
        "99 bottles, 1000000 ants, 007",
        "347+85=432",
        "7+5+0=12,4+8+1=13,3+0+1=04,A:432",
        "00001 000 0000000",
    ];

    private static readonly string[] Whitespace =
    [
        "",
        " ",
        "  ",
        "   ",
        "\t",
        "\n",
        "\n\n",
        " \n ",
        "\r\n",
        " leading space",
        "  two leading spaces",
        "trailing space ",
        "trailing spaces   ",
        "  both sides  ",
        "\nleading newline",
        "trailing newline\n",
        "\t leading tab and space",
        "non\u00a0breaking\u00a0space",
        "thin\u2009space hair\u200aspace narrow\u202fnbsp math\u205fspace",
        "ideographic\u3000space",
        "zero\u200bwidth\u200cnon\u200djoiner",
        "bom\ufeffinside",
        "line\u2028separator para\u2029separator",
        "next\u0085line",
        "vertical\u000btab form\u000cfeed",
        "control\u0001chars\u007f\u0000end",
        "word \n word",
        "  \t  \n  \t  ",
    ];

    private static readonly string[] Normalization =
    [
        "e\u0301 (e + combining acute)",
        "cafe\u0301",
        "n\u0303 a\u0308 o\u0308 u\u0308",
        "\u1100\u1161\u11a8 Hangul jamo",
        "Z\u0351\u0337\u0334a\u0352l\u0350g\u0357o\u0306",
        "\u212b Angstrom sign vs \u00c5",
        "\u2126 ohm sign",
        ">\u0338 composes to not-greater",
        "\u0041\u030a\u0042",
    ];

    private static readonly string[] AddedTokens =
    [
        "<|endoftext|>",
        "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n",
        "<|im_start|>system\nYou are helpful.<|im_end|>",
        "<think>\nreasoning\n</think>\n\nanswer",
        "<tool_call>{\"name\": \"f\"}</tool_call>",
        "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>",
        "<|begin_of_text|>Hello",
        "text<|end_of_text|>",
        "<|reserved_special_token_0|><|reserved_special_token_250|>",
        "<|im_start|><|im_end|><|endoftext|>",
        " <|im_start|> spaces around <|im_end|> ",
        "<|im_start|",
        "<| im_start |>",
        "<|im_start|>>",
        "<<|im_end|>",
        "<|im_end|>\u0338",
        "<|eot_id|><|eot_id|>",
        "<|python_tag|>print(1)<|eom_id|>",
        "<|vision_start|><|image_pad|><|vision_end|>",
        "prefix<think>inner</think>suffix",
        "<|endoftext|>x<|endoftext|>",
        "not a token: <|unknown_token|>",
    ];

    private static readonly string[] Separators = [" ", "  ", "\t", "\n", "", " \n", "\n\n", "   ", ", ", "\r\n"];

    /// <summary>Every hand-written case, then <paramref name="mixed"/> seeded mixtures of 2 to 6 fragments.</summary>
    public static IReadOnlyList<string> Build(int mixed = 260, int seed = 14)
    {
        string[][] categories = [English, Code, Cjk, FourByte, Numbers, Whitespace, Normalization, AddedTokens];
        var strings = categories.SelectMany(c => c).ToList();
        var rng = new Random(seed);
        var pool = categories.SelectMany(c => c).Where(s => s.Length > 0).ToArray();
        for (var i = 0; i < mixed; i++)
        {
            var parts = Enumerable.Range(0, rng.Next(2, 7)).Select(_ => Fragment(pool[rng.Next(pool.Length)], rng));
            strings.Add(string.Join(Separators[rng.Next(Separators.Length)], parts));
        }

        strings.Add(string.Join(" ", English) + string.Join("\n", Code));   // one long string
        return strings;
    }

    /// <summary>A whole case, or a slice of it that never splits a surrogate pair.</summary>
    private static string Fragment(string text, Random rng)
    {
        if (rng.Next(3) > 0 || text.Length < 4)
        {
            return text;
        }

        var start = rng.Next(text.Length / 2);
        var end = rng.Next(start + 1, text.Length + 1);
        if (char.IsLowSurrogate(text[start]))
        {
            start--;
        }

        if (end < text.Length && char.IsLowSurrogate(text[end]))
        {
            end++;
        }

        return text[start..end];
    }
}
