import { Alert, Anchor, Drawer, Modal, NavLink, Notification, createTheme, type CSSVariablesResolver } from '@mantine/core';

/**
 * Mantine's defaults fail WCAG AA contrast in places (dimmed text 3.3:1 on white, light primary
 * shades on dark): darker shades and a darker `dimmed` fix that in both schemes.
 */
export const theme = createTheme({
  primaryColor: 'blue',
  // Shade 9: white on filled buttons and coloured text on white both reach 4.5:1 for every colour used.
  primaryShade: { light: 9, dark: 9 },
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
  defaultRadius: 'sm',
  focusRing: 'auto',
  // Dialogs and toasts appear without sliding or fading for people who ask their system for less motion.
  respectReducedMotion: true,
  components: {
    // Links inside text must not be told apart by colour alone.
    Anchor: Anchor.extend({ defaultProps: { underline: 'always' } }),
    // Coloured titles on a tinted background and the light active NavLink fall below 4.5:1: the
    // colour stays on the border and background, the words in the text colour.
    Alert: Alert.extend({ styles: { title: { color: 'var(--mantine-color-text)' } } }),
    NavLink: NavLink.extend({ defaultProps: { variant: 'filled' } }),
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    Drawer: Drawer.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    // Toasts: a named close button, and the message in the text colour (Mantine dims it below 4.5:1).
    Notification: Notification.extend({
      defaultProps: { closeButtonProps: { 'aria-label': 'Close' } },
      styles: { description: { color: 'var(--mantine-color-text)' } },
    }),
  },
});

export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  // Placeholders carry meaning here (an optional field's default), so they get readable contrast too.
  // Error text (red-6 by default, 3.3:1 on white) darker in light and lighter in dark mode.
  light: { '--mantine-color-dimmed': '#495057', '--mantine-color-placeholder': '#5c636a', '--mantine-color-error': '#c92a2a' },
  dark: { '--mantine-color-dimmed': '#b8b8b8', '--mantine-color-placeholder': '#a6a7ab', '--mantine-color-error': '#ff8787' },
});
