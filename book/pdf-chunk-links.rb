# book/pdf-chunk-links.rb -- chunk references in the PDF's code listings.
#
# The woven book marks each reference inside a code listing with a token,
# LITREF and six digits, that `tools/lit fixrefs` turns into a link in the
# HTML and the DocBook (refs.tsv: token number, anchor, chunk name).  A PDF
# cannot be edited that way afterwards, so this extension does the same
# while asciidoctor-pdf lays the listing out: the token becomes the text
# ⟨name⟩, linked to the chunk's anchor.  LITEVENT_REFS names refs.tsv.
require 'asciidoctor/pdf'

module LiteventChunkLinks
  TOKEN = /(LITREF\d{6})/

  def self.refs
    @refs ||= File.readlines(ENV.fetch('LITEVENT_REFS'), chomp: true).map { |line| line.split("\t", 3) }
  end

  # The fragment for one token: the chunk's name, coloured and linked as
  # the theme does a cross reference.
  def self.link fragment, piece, color
    number = piece.delete_prefix('LITREF').to_i
    ref = refs[number - 1] if number >= 1
    raise "pdf-chunk-links: #{piece} is not in #{ENV['LITEVENT_REFS']}" unless ref
    fragment.merge text: "\u27e8#{ref[2]}\u27e9", anchor: ref[1], color: color
  end

  def typeset_formatted_text fragments, line_metrics, opts = {}
    if fragments.any? { |f| f[:text]&.include? 'LITREF' }
      fragments = fragments.flat_map do |f|
        next [f] unless f[:text]&.include? 'LITREF'
        (f[:text].split TOKEN).reject(&:empty?).map do |piece|
          (TOKEN.match? piece) ? (LiteventChunkLinks.link f, piece, @theme.link_font_color) : (f.merge text: piece)
        end
      end
    end
    super
  end
end

Asciidoctor::PDF::Converter.prepend LiteventChunkLinks
