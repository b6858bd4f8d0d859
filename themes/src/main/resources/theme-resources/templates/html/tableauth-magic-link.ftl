<#import "template.ftl" as layout>
<@layout.emailLayout>
${kcSanitize(msg("tableauthMagicLinkBodyHtml", link, linkExpiration, realmName))?no_esc}
</@layout.emailLayout>
